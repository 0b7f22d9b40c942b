"""Exceptions the course's helpers raise, each with a message a learner can act on."""


class CourseError(Exception):
    """Base class of the errors raised by ``course_helpers``."""


class DemoSiteError(CourseError):
    """The demo site could not be started, reached or configured as asked."""
