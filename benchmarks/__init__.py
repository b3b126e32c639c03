"""Scale benchmarks: a synthetic content tree (``synth``) and the measuring script (``run``)."""
