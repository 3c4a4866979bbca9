"""The 2010 working paper's facts (``ta_2010.json``), loaded as historical data. (Being built.)"""


def load_2010(progress=None):
    return "not loaded", []
