"""Evaluation tools: attribution quality and throughput benchmarks."""
