"""nplv-monitor: de monitor van het Nationaal Programma Leefbaarheid en Veiligheid."""

__version__ = "0.1.0"
