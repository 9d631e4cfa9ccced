"""Detection thresholds, kept in a YAML file an analyst can read and change."""

from tianluo.rules.loader import RulesError, default_rules_path, load_rules
from tianluo.rules.models import ResidencyRule, Rules, SiteKind

__all__ = ["ResidencyRule", "Rules", "RulesError", "SiteKind", "default_rules_path", "load_rules"]
