"""Imports of programmes, activities and needs (CSV/XLSX). (Being built.)"""
