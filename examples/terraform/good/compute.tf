# New volumes in this region are encrypted even when nobody asks.
resource "aws_ebs_encryption_by_default" "on" {
  enabled = true
}

resource "aws_instance" "worker" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.medium"
  root_block_device {
    volume_size = 50
    encrypted   = true
  }
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  size              = 100
}

resource "aws_ebs_volume" "ledger" {
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = true
  kms_key_id        = aws_kms_key.billing.arn
}
