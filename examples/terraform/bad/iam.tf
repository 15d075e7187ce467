resource "aws_iam_account_password_policy" "account" {
  minimum_password_length      = 8
  require_uppercase_characters = true
  require_lowercase_characters = true
  require_numbers              = true
  require_symbols              = false
}

# The operations team's "temporary" administrator policy.
data "aws_iam_policy_document" "ops_admin" {
  statement {
    sid       = "Everything"
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "ops_admin" {
  name   = "ops-admin"
  policy = data.aws_iam_policy_document.ops_admin.json
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ops_administrator" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

# The deploy pipeline's user, with its permissions attached to the user itself.
resource "aws_iam_user" "ci_deploy" {
  name = "ci-deploy"
}

resource "aws_iam_policy" "ci_deploy" {
  name = "ci-deploy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Artifacts", Effect = "Allow", Action = ["s3:*"], Resource = "*" },
      { Sid = "Describe", Effect = "Allow", Action = ["ec2:Describe*"], Resource = "*" },
    ]
  })
}

resource "aws_iam_user_policy_attachment" "ci_deploy" {
  user       = aws_iam_user.ci_deploy.name
  policy_arn = aws_iam_policy.ci_deploy.arn
}

# Read-only reporting access, written as a heredoc.
resource "aws_iam_group_policy" "finance_readonly" {
  name   = "finance-readonly"
  group  = "finance"
  policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
      ]
    }
  JSON
}
