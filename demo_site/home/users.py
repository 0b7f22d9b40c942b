"""The demo site's users. Their passwords are public: this is a teaching site."""

DEMO_USERS = {
    "alice": "wonderland-2024",
    "bob": "builder-2024",
}
