"""Template loaders that split templates between the two engines of settings.TEMPLATES.

Email subjects and bodies are plain text: a company called "Smith & Sons" must read as
such, not "Smith &amp; Sons". So every ``.txt`` template, the portal's and allauth's alike,
is found only by the "text" engine, which does not escape for HTML; every other template
only by the HTML engine, which stays the first (the default) and escapes everything.
"""

from django.template.loaders import app_directories, filesystem


def is_text(template_name):
    return template_name.endswith(".txt")


class TextOnly:
    def get_template_sources(self, template_name):
        if is_text(template_name):
            yield from super().get_template_sources(template_name)


class NotText:
    def get_template_sources(self, template_name):
        if not is_text(template_name):
            yield from super().get_template_sources(template_name)


class TextFilesystemLoader(TextOnly, filesystem.Loader):
    pass


class TextAppDirectoriesLoader(TextOnly, app_directories.Loader):
    pass


class HtmlFilesystemLoader(NotText, filesystem.Loader):
    pass


class HtmlAppDirectoriesLoader(NotText, app_directories.Loader):
    pass
