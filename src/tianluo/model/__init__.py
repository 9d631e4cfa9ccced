"""Small value types shared by every stage: identity numbers, phones, regions."""
