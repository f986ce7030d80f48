"""Layer 8: the command line, a thin shell over zhongcao.pipeline."""
