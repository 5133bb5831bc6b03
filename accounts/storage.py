from django.core.files.storage import storages


def private_storage():
    """Storage with no public URL: files here are served only by views that check access."""
    return storages["private"]
