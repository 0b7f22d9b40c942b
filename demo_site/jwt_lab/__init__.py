"""Lesson 11 · JWT attack lab: seven attacks on JWT verifiers, each vulnerable view beside its fix."""
