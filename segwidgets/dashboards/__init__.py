from .kmeans_lesson import KMeansLesson
