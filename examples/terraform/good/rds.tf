resource "aws_db_instance" "billing" {
  identifier                  = "billing"
  engine                      = "postgres"
  instance_class              = "db.m5.large"
  allocated_storage           = 200
  username                    = "billing"
  manage_master_user_password = true
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.billing.arn
}

resource "aws_rds_cluster" "reporting" {
  cluster_identifier          = "billing-reporting"
  engine                      = "aurora-postgresql"
  master_username             = "reporting"
  manage_master_user_password = true
  storage_encrypted           = true
}

resource "aws_rds_cluster_instance" "reporting" {
  count              = 2
  cluster_identifier = aws_rds_cluster.reporting.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.reporting.engine
}
