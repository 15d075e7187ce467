"""RDS: instances and clusters, per region in scope."""

from __future__ import annotations

from ...model import Missing
from ...views.rds import DbStorage
from ..calls import Api, CallFailed
from ..collect import Facts, Step, Task
from ..regions import Scope
from . import Collector, Inventory, account_ref, resource_ref

LISTINGS = (
    ("DescribeDBInstances", "DBInstances", "DBInstanceIdentifier", "DBInstanceArn", "instance", "AWS::RDS::DBInstance"),
    ("DescribeDBClusters", "DBClusters", "DBClusterIdentifier", "DBClusterArn", "cluster", "AWS::RDS::DBCluster"),
)


def plan(scope: Scope) -> list[Task]:
    return [
        Task("rds", r, lambda api, r=r, op=op, key=key: listing(api, r, op, key), f"rds {r} {kind}s")
        for r in scope.regions
        for op, key, _, _, kind, _ in LISTINGS
    ]


def listing(api: Api, region: str, operation: str, key: str) -> Step:
    try:
        return Step({("rds", operation, region): api.paginate("rds", operation, region).get(key, [])})
    except CallFailed as exc:
        return Step({("rds", operation, region): exc.missing})


def assemble(facts: Facts, scope: Scope) -> Inventory:
    inv = Inventory()
    for region in scope.regions:
        for op, _, id_key, arn_key, kind, type_ in LISTINGS:
            found = facts[("rds", op, region)]
            if isinstance(found, Missing):
                inv.cannot_list(account_ref(scope, f"RDS {kind}s in {region}", region, type_), (DbStorage,), found)
                continue
            for db in found:
                view = DbStorage(
                    identifier=db[id_key],
                    kind=kind,
                    storage_encrypted=bool(db.get("StorageEncrypted")),
                    cluster_member=kind == "instance" and bool(db.get("DBClusterIdentifier")),
                )
                inv.add(resource_ref(scope, db[arn_key], type_, db[id_key], region), view)
    return inv


COLLECTOR = Collector(name="rds", views=(DbStorage,), plan=plan, assemble=assemble)
