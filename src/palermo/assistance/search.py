"""Search providers of Assistance. (Being built.)"""
