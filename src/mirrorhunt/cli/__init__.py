"""Thin command-line front: parse, call one library function, render."""
