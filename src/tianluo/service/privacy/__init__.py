"""Masking of identity numbers and phones, and stable references to persons."""
