"""Team sync on this laptop: the sync key and its status line (``sync_control``), and the
Conflicts screen (``conflicts``). A laptop that never joined a team shows none of it."""
