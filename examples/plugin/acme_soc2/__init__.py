"""ACME's company-specific SOC 2 checks, shipped as a soc2-checks plugin."""
