"""The screens of gradtui: stepping, help, and the small input dialogs."""
