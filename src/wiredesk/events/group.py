GROUPING_VERSION = "group/1"
def group_mentions(*a, **k): raise NotImplementedError
