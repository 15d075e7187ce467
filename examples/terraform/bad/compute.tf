resource "aws_instance" "worker" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.medium"
  root_block_device {
    volume_size = 50
  }
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 100
}

# Encrypted only until someone overrides the variable: never taken as encrypted.
variable "ledger_volume_encrypted" {
  type = bool
}

resource "aws_ebs_volume" "ledger" {
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = var.ledger_volume_encrypted
}
