# A billing service's account baseline before its SOC 2 readiness work: every SOC 2 check
# that runs on Terraform fails here at least once. The fixed version is ../good.
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
