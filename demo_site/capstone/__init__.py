"""The capstone (lesson 14): a "remember me" login whose views the learner writes in the notebook."""
