"""Actions to other agencies: freeze and block requests, home-province notices, rental warnings."""
