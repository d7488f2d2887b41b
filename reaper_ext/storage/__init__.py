"""Files the product writes: the one atomic writer, the backup policy, the content cache and its folder."""

__all__: list[str] = []
