import BerthAgent
print("berthd")
