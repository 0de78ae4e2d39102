"""The viewflow process per dossier (see issue: working the queues). Imported from AppConfig.ready()."""
