"""Person references: built from the results, ahead of the first request when asked."""

from __future__ import annotations

from service_data import P1, P2

from tianluo.service.analysis.references import PersonRefs
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.privacy.masking import person_ref
from tianluo.workspace import Workspace

SECRET = "refs-secret"


def test_references_built_in_the_background_resolve_to_the_persons(workspace: Workspace) -> None:
    refs = PersonRefs(ResultsStore(workspace), SECRET)
    refs.warm_in_background().join(timeout=30)
    assert refs.resolve(person_ref(SECRET.encode(), P1)) == P1
    assert refs.resolve(person_ref(SECRET.encode(), P2)) == P2
    assert refs.resolve("p_00000000000000000000") is None
    assert refs.resolve(P1) == P1  # a number is its own key
