"""Runs the pipeline: one pass over a case (`scan`), and the case and tip book-keeping around it."""
