# The billing service's account baseline after its SOC 2 readiness work: every SOC 2 check
# that runs on Terraform passes, including the account-baseline ("must exist") ones:
#   soc2-checks iac -d examples/terraform/good --account-baseline
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "environment" {
  type    = string
  default = "prod"
}
