resource "aws_iam_account_password_policy" "account" {
  minimum_password_length        = 14
  password_reuse_prevention      = 24
  max_password_age               = 90
  require_uppercase_characters   = true
  require_lowercase_characters   = true
  require_numbers                = true
  require_symbols                = true
  allow_users_to_change_password = true
}

# Operations: scoped to what the on-call runbooks need.
data "aws_iam_policy_document" "ops" {
  statement {
    sid       = "ReadEverything"
    actions   = ["ec2:Describe*", "rds:Describe*", "cloudwatch:GetMetricData", "logs:FilterLogEvents"]
    resources = ["*"]
  }
  statement {
    sid       = "RestartWorkers"
    actions   = ["ec2:RebootInstances", "ec2:StartInstances", "ec2:StopInstances"]
    resources = ["arn:aws:ec2:us-east-1:111122223333:instance/*"]
  }
}

resource "aws_iam_policy" "ops" {
  name   = "ops"
  policy = data.aws_iam_policy_document.ops.json
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ops" {
  role       = aws_iam_role.ops.name
  policy_arn = aws_iam_policy.ops.arn
}

# The deploy pipeline assumes a role; nobody signs in as a deploy user.
resource "aws_iam_role" "ci_deploy" {
  name = "ci-deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:role/ci-runner" } }]
  })
  inline_policy {
    name = "artifacts"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "Artifacts"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject"]
          Resource = "${aws_s3_bucket.customer_uploads.arn}/releases/*"
        },
        { Sid = "Describe", Effect = "Allow", Action = ["ec2:Describe*"], Resource = "*" },
      ]
    })
  }
}

# People get permissions through groups, reviewed every quarter.
resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_group" "finance" {
  name = "finance"
}

resource "aws_iam_group_membership" "finance" {
  name  = "finance"
  group = aws_iam_group.finance.name
  users = [aws_iam_user.alice.name]
}

resource "aws_iam_group_policy" "finance_readonly" {
  name   = "finance-readonly"
  group  = aws_iam_group.finance.name
  policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
      ]
    }
  JSON
}
