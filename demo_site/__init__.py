"""The course's demo site: a real Django project, one app per topic."""
