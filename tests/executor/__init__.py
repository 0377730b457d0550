"""Unit tests of the executor: the JSONPath pipeline, each state type, retries, time and limits."""
