// The sides and types of a copy live in BerthFiles (the agent serves them too); users of the copier see them here.
@_exported import BerthFiles
