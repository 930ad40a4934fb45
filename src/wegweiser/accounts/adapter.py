from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No self-service sign-up: county administrators create users."""

    def is_open_for_signup(self, request) -> bool:
        return False
