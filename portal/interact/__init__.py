"""互动交流 and 好差评: citizens' messages and ratings, staff answering them within working-day deadlines."""
