"""What every feature stands on, with no request in sight: configuration, the extensions,
the database and its data version, signals, audit, cycles, translations and labels."""
