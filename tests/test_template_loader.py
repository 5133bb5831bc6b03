"""Templates are compiled once per process: the engine's loader is Django's cached loader (the
default when no loaders are named), in the settings production runs on."""

from django.template import engines


def test_the_template_loader_caches_compiled_templates():
    loaders = engines["django"].engine.loaders

    assert loaders[0][0] == "django.template.loaders.cached.Loader"
    assert "django.template.loaders.app_directories.Loader" in loaders[0][1]


def test_the_lucide_library_is_the_memoised_one():
    assert engines["django"].engine.libraries["lucide"] == "householdsvc.core.icons"
