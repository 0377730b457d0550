"""Tests of the definition parser: loading, structure, semantics."""
