"""Stages a run is made of, each the work of one task: a batch of articles in, its dataset parts out."""
