"""The officers' pages: worklists, intake at the desk, the dossier page and its actions."""
