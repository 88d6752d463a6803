"""Direct messages: threads between two or more people, message requests from strangers."""
