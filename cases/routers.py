"""The read replica (``DATABASE_REPLICA_URL``): the outcome pages read the figures from it.

The figures' snapshot and its results per filter are what the outcome pages (and the articles'
figures) read, and they grow with the clinic's history; a managed PostgreSQL's read replica
takes those reads off the primary.
Everything else, every write, and every read of anything else, stays on ``default``: a page that
has just saved a record must see it. The snapshot carries the newest clinical change it knows
of (``cases.outcomes.snapshots``), read in the same query, so a replica that lags shows the
previous figures marked "being updated", never wrong ones. Only configured with a replica
(config/settings/base.py).
"""

REPLICA = "replica"
REPLICA_READS = {"cases.figuresnapshot", "cases.figureresult"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if model._meta.label_lower in REPLICA_READS else None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as default

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication
