// Lab copy of the platform's statistics script: does nothing.
