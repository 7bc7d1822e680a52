"""Catalogue of the city: divisions, departments (承办单位), categories, deadline policy, working-day calendar."""
