resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from the office VPN only"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.20.0.0/16"]
  }
  ingress {
    description = "HTTPS health checks"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "windows_jump" {
  name        = "windows-jump"
  description = "Remote desktop through the VPN"
}

resource "aws_security_group_rule" "windows_rdp" {
  type              = "ingress"
  security_group_id = aws_security_group.windows_jump.id
  from_port         = 3389
  to_port           = 3389
  protocol          = "tcp"
  cidr_blocks       = ["10.20.0.0/16"]
}

resource "aws_security_group" "workers" {
  name        = "workers"
  description = "Billing workers"
}

resource "aws_vpc_security_group_ingress_rule" "workers_https" {
  security_group_id = aws_security_group.workers.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "workers_dns" {
  security_group_id = aws_security_group.workers.id
  ip_protocol       = "udp"
  from_port         = 53
  to_port           = 53
  cidr_ipv4         = "0.0.0.0/0"
}
