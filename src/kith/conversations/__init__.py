"""Conversations: posts, threads, replies, reposts, quotes, questions and answers, value."""
