"""The HUD HMIS CSV export: Exit.csv rows from signed discharge plans, with Export.csv."""
