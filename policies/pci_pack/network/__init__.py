"""Network rules: security group ingress and load balancer listeners (PCI DSS 1.3, 4.2)."""
