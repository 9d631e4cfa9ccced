"""Screening: is this person on a watch list or a suspect? Answered from memory, checks kept."""
