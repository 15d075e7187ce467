resource "aws_security_group" "bastion" {
  name        = "bastion"
  description = "SSH from anywhere"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "windows_jump" {
  name        = "windows-jump"
  description = "Remote desktop for the finance team"
}

resource "aws_security_group_rule" "windows_rdp" {
  type              = "ingress"
  security_group_id = aws_security_group.windows_jump.id
  from_port         = 3000
  to_port           = 4000
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}

resource "aws_security_group" "workers" {
  name        = "workers"
  description = "Billing workers"
}

resource "aws_vpc_security_group_ingress_rule" "workers_all" {
  security_group_id = aws_security_group.workers.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
